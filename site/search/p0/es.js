crdSearchTerms(0,"es",{"escalate":[53,54],"essential":[4],"established":[62],"establishment":[62,307,444,445],"estimated":[2,3,30,50,64,101,142,198,244,274,314,448,449]});
