crdSearchTerms(0,"ra",{"ranking":[3,16,95,178,338],"rather":[2,55,282]});
