crdSearchTerms(0,"el",{"eleven":[44]});
