crdSearchTerms(0,"ef",{"effort":[4,39,127,225]});
