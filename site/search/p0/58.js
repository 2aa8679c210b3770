crdSearchTerms(0,"58",{"587":[250,406]});
