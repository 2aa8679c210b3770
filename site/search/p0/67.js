crdSearchTerms(0,"67",{"672":[291,292]});
