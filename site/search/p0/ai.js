crdSearchTerms(0,"ai",{"aide":[3,31,81,94,121,138,201,364,365],"aim":[61],"aircraft":[1,9,161],"aired":[2,34,117,207,372],"airing":[34]});
