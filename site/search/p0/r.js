crdSearchTerms(0,"r",{"r":[180,341,342]});
