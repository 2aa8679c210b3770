crdSearchTerms(0,"va",{"vague_period":[32,44],"value":[3],"values":[0,272],"various":[4,235]});
