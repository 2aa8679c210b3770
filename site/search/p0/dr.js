crdSearchTerms(0,"dr",{"drawing":[0,59,164,286]});
