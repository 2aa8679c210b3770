crdSearchTerms(0,"ve",{"venue":[41],"verified":[0],"veterans":[4,42,97,238,395]});
