crdSearchTerms(0,"37",{"373":[98]});
