crdSearchTerms(0,"71",{"713":[31,201]});
