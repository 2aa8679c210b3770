crdSearchTerms(0,"id",{"identity":[2],"identity_elsewhere":[408,412,444,445]});
