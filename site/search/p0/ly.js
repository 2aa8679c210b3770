crdSearchTerms(0,"ly",{"ly":[32]});
