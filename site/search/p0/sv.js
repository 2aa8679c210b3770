crdSearchTerms(0,"sv",{"svk":[92]});
