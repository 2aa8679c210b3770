crdSearchTerms(0,"99",{"993":[393,399,425]});
