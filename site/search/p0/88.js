crdSearchTerms(0,"88",{"883":[149,315]});
