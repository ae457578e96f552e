-- Rows only a database without strict column types can hold (SQLite): an amount that is text.
INSERT INTO dok__Dokument (dok_Id,dok_Typ,dok_NrPelny,dok_DataWyst,dok_PlatnikId,dok_PlatTermin,dok_WartBrutto,dok_Waluta) VALUES
 (1022,2,'FS 22/2024','2024-02-09',2,'2024-03-09',12,'PLN');
INSERT INTO nz__Finanse (nzf_Id,nzf_Typ,nzf_Podtyp,nzf_TypObiektu,nzf_IdObiektu,nzf_IdDokumentAuto,nzf_NumerPelny,nzf_Data,nzf_TerminPlatnosci,nzf_WartoscPierwotna,nzf_WartoscPierwotnaWaluta,nzf_Wartosc,nzf_WartoscWaluta,nzf_IdWaluty,nzf_Status,nzf_DataOstatniejSplaty) VALUES
 (35,39,1,1,2,1022,'FS 22/2024','2024-02-09','2024-03-09',12,'12,34,5',12,12,'PLN',1,NULL);
