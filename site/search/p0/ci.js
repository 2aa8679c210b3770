crdSearchTerms(0,"ci",{"ci":[287,288,439,440],"circumvent":[1,61,266,289],"circumventin":[60],"circumventing":[60],"circumvents":[0,263,288],"cited":[101],"city":[9,19,38,41,43,45]});
