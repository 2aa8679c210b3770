crdSearchTerms(0,"i",{"i":[22,40,143]});
