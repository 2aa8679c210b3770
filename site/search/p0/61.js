crdSearchTerms(0,"61",{"614":[253]});
