crdSearchTerms(0,"qi",{"qianwan":[3]});
