crdSearchTerms(0,"e_2e",{"e.g":[71,72]});
