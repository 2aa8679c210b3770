crdSearchTerms(0,"pi",{"pieces":[1,9,161],"pivotal":[4,128,226]});
