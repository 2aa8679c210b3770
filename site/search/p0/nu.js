crdSearchTerms(0,"nu",{"nuclear":[3,30,198],"number":[0,50,273,419],"numerous":[4,89,238,394]});
