crdSearchTerms(0,"am",{"ambiguous":[56],"among":[134]});
