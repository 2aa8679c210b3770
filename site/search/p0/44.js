crdSearchTerms(0,"44",{"440":[321]});
