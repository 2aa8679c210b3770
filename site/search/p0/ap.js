crdSearchTerms(0,"ap",{"ap":[1,36,79,373],"apart":[64,104,134],"applied":[8],"applies":[144],"appropriate":[2,54,281,429],"approximately":[0,50,273]});
