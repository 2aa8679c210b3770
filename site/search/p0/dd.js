crdSearchTerms(0,"dd",{"ddde":[77]});
