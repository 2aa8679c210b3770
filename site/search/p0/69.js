crdSearchTerms(0,"69",{"690":[45,255,408]});
