crdSearchTerms(0,"hu",{"human":[0,4,50,128,226,273,419]});
