crdSearchTerms(0,"46",{"463":[293]});
