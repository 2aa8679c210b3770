crdSearchTerms(0,"82",{"828":[116,206,219]});
