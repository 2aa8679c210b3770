crdSearchTerms(0,"89",{"891":[74]});
