crdSearchTerms(0,"ga",{"gas":[3,30,198]});
