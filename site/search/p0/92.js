crdSearchTerms(0,"92",{"924":[277]});
