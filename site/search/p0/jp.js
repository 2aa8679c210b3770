crdSearchTerms(0,"jp",{"jpn":[77,85]});
