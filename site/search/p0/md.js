crdSearchTerms(0,"md",{"md":[76,85,113,114]});
