crdSearchTerms(0,"op",{"opens":[106],"operation":[1,11,114,166],"oppose":[0]});
