crdSearchTerms(0,"e",{"e":[22,40,71,72,143]});
