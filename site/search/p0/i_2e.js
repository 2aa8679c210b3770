crdSearchTerms(0,"i_2e",{"i.e":[22,40,143]});
