crdSearchTerms(0,"u_2e",{"u.s":[0,74,358]});
