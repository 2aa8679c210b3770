crdSearchTerms(0,"mu",{"multilateralism":[4,227],"multipolar":[4,129,228],"mutual":[4,230]});
