crdSearchTerms(0,"50",{"500":[1,9,161]});
