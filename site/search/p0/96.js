crdSearchTerms(0,"96",{"964":[72]});
