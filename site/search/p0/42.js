crdSearchTerms(0,"42",{"424":[242,321]});
