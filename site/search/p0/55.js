crdSearchTerms(0,"55",{"551":[147]});
