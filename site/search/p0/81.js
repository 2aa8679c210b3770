crdSearchTerms(0,"81",{"81":[67,410]});
