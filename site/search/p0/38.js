crdSearchTerms(0,"38",{"388":[240]});
