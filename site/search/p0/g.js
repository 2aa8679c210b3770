crdSearchTerms(0,"g",{"g":[71,72]});
