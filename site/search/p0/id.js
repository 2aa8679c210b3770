crdSearchTerms(0,"id",{"identity":[2]});
