crdSearchTerms(0,"94",{"945":[73,327,328]});
