crdSearchTerms(0,"86",{"86":[67,86]});
