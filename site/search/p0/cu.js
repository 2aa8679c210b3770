crdSearchTerms(0,"cu",{"cultural":[2,4,235],"curation":[76,85,113,114],"curator":[32,37,44,62,142],"current":[2,3,116,126,199,206,219]});
