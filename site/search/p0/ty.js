crdSearchTerms(0,"ty",{"type":[53,56,139],"typed":[60,61]});
